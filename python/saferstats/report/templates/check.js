window.__errors=[];window.addEventListener('error',function(e){window.__errors.push(String(e.message||e));});
window.addEventListener('load',function(){var imgs=document.images,bad=0;for(var i=0;i<imgs.length;i++){
if(!(imgs[i].complete&&imgs[i].naturalWidth>0))bad++;}
document.body.setAttribute('data-render-check','images='+imgs.length+';broken='+bad+';errors='+window.__errors.length);});
